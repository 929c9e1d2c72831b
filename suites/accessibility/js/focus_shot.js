// For the pixel comparison of one element: 'blur' takes focus off the page and brings the element into view;
// 'focus' focuses it. Each answers the element's box in page pixels and whether it holds focus.
([id, action]) => {
  const G = window.__goliveKeyboard;
  const el = G.elements[id];
  if (!el || !el.isConnected) return null;
  if (action === 'blur') {
    if (document.activeElement && typeof document.activeElement.blur === 'function') document.activeElement.blur();
    el.scrollIntoView({ block: 'center', inline: 'center' });
  } else {
    el.focus({ preventScroll: true });
  }
  const r = el.getBoundingClientRect();
  return { box: [r.left + scrollX, r.top + scrollY, r.width, r.height], focused: document.activeElement === el,
           page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight] };
}
