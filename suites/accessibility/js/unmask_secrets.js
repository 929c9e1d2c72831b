// Put back what mask_secrets.js changed, last change first.
(key) => {
  const changes = window[key] || [];
  for (const change of changes.reverse()) {
    const [kind, node] = change;
    if (kind === 'text') node.data = change[2];
    else if (kind === 'attribute') node.setAttribute(change[2], change[3]);
    else node.value = change[2];
  }
  delete window[key];
}
