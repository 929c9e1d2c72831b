// Hide known secret values in what a screenshot shows: text, attribute values (a tooltip, an input's value) and
// form fields' current values, in the document and its open shadow roots. Every change is kept on `window[key]`
// so that unmask_secrets.js puts the page back as it was: a journey goes on in this tab. Returns how many
// values were changed.
([secrets, mask, key]) => {
  const changes = [];
  const hide = (text) => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(mask);
    }
    return out;
  };
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const masked = hide(node.data);
        if (masked !== node.data) { changes.push(['text', node, node.data]); node.data = masked; }
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      for (const attribute of Array.from(node.attributes)) {
        const masked = hide(attribute.value);
        if (masked !== attribute.value) {
          changes.push(['attribute', node, attribute.name, attribute.value]);
          node.setAttribute(attribute.name, masked);
        }
      }
      // What a field shows is its current value, which typing or a script may have set apart from the attribute.
      if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) {
        const masked = hide(node.value);
        if (masked !== node.value) { changes.push(['value', node, node.value]); node.value = masked; }
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
  };
  visit(document.documentElement);
  window[key] = changes;
  return changes.length;
}
