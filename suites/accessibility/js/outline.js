// Outline the violating elements in an overlay for the screenshot. Each axe target (a selector, or a list of
// selectors through shadow roots) is resolved in the top document; a target inside a frame is outlined as its
// frame. The page-wide <html> and <body> are not outlined.
([targets, overlayId, maxOutlines]) => {
  const resolve = (target) => {
    const first = target[0];
    let root = document;
    let el = null;
    for (const selector of Array.isArray(first) ? first : [first]) {
      try { el = root.querySelector(selector); } catch (error) { return null; }
      if (!el) return null;
      root = el.shadowRoot || el;
    }
    return el;
  };
  const layer = document.createElement('div');
  layer.id = overlayId;
  layer.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;z-index:2147483647;pointer-events:none';
  const drawn = new Set();
  for (const [target, label] of targets) {
    if (drawn.size >= maxOutlines) break;
    const el = resolve(target);
    if (!el || drawn.has(el) || el === document.documentElement || el === document.body) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    drawn.add(el);
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;box-sizing:border-box;left:${rect.left + scrollX - 3}px;`
      + `top:${rect.top + scrollY - 3}px;width:${rect.width + 6}px;height:${rect.height + 6}px;`
      + 'border:3px solid #d4351c;background:rgba(212,53,28,0.08)';
    const tag = document.createElement('div');
    tag.textContent = label;
    tag.style.cssText = 'position:absolute;left:-3px;bottom:100%;font:bold 12px/16px sans-serif;color:#fff;'
      + 'background:#d4351c;padding:0 4px;white-space:nowrap';
    if (rect.top + scrollY < 20) { tag.style.bottom = ''; tag.style.top = '100%'; }
    box.appendChild(tag);
    layer.appendChild(box);
  }
  document.documentElement.appendChild(layer);
  const boxes = Array.from(layer.children, (box) => [box.offsetTop - 20, box.offsetTop + box.offsetHeight]);
  return { drawn: drawn.size, width: document.documentElement.scrollWidth,
           height: document.documentElement.scrollHeight,
           top: boxes.length ? Math.min(...boxes.map((box) => box[0])) : 0,
           bottom: boxes.length ? Math.max(...boxes.map((box) => box[1])) : 0,
           scrollY: window.scrollY, viewportHeight: window.innerHeight };
}
