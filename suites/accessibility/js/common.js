// Shared by the scripts that describe elements: a short, unique CSS path for an element (an id when it is
// unique, else tag:nth-of-type steps) and the start of its HTML.
const golivePath = (el) => {
  const parts = [];
  while (el && el.nodeType === 1 && el !== document.documentElement) {
    if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
      parts.unshift('#' + CSS.escape(el.id));
      break;
    }
    let step = el.localName;
    const parent = el.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((child) => child.localName === el.localName);
      if (same.length > 1) step += `:nth-of-type(${same.indexOf(el) + 1})`;
    }
    parts.unshift(step);
    el = parent;
  }
  return parts.join(' > ') || 'html';
};
const goliveHtml = (el) => {
  const html = el.outerHTML || '';
  const open = html.indexOf('>');
  return (open > 0 && open < 250 ? html.slice(0, open + 1) : html.slice(0, 250));
};
