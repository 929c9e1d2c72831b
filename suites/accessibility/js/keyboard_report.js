// Describe the elements the walk met or listed, then undo what the walk set up. Only elements that may be
// reported get a CSS path and HTML (those cost the most): candidates Tab never reached, elements whose focus
// was left to pixels, and the members of a focus cycle (`cycle`, from the walk's analysis).
(cycle) => {
  // @include common
  const G = window.__goliveKeyboard;
  window.removeEventListener('keydown', G.listener, true);
  G.style.remove();
  if (document.activeElement && typeof document.activeElement.blur === 'function') document.activeElement.blur();
  const COMPOSITE = '[role=tablist], [role=menu], [role=menubar], [role=listbox], [role=grid], [role=tree], '
    + '[role=treegrid], [role=toolbar], [role=radiogroup]';
  const groups = new Map();
  const widgetId = (widget) => {
    if (!groups.has(widget)) groups.set(widget, 'widget:' + groups.size);
    return groups.get(widget);
  };
  // Radio buttons of one name and the items of one composite widget are reached through one Tab stop (arrow
  // keys move among them); a widget that takes focus itself (aria-activedescendant) stands for its items.
  const groupOf = (el) => {
    if (el.localName === 'input' && el.type === 'radio' && el.name) {
      return 'radio:' + (el.form ? Array.from(document.forms).indexOf(el.form) : -1) + ':' + el.name;
    }
    if (el.matches(COMPOSITE)) return widgetId(el);
    const widget = el.parentElement ? el.parentElement.closest(COMPOSITE) : null;
    return widget ? widgetId(widget) : null;
  };
  const reached = new Set(G.log);
  const inCycle = new Set(cycle);
  const elements = G.elements.map((el, id) => {
    const seen = G.seen.get(id);
    const described = inCycle.has(id) || (G.isCandidate.has(el) && !reached.has(id))
      || (seen && seen.strength !== 'strong');
    return {
      id, selector: described ? golivePath(el) : null, html: described ? goliveHtml(el) : null,
      tabIndex: el.tabIndex, tabindexAttribute: el.getAttribute('tabindex'), group: groupOf(el),
      frame: el.localName === 'iframe', candidate: G.isCandidate.has(el),
      focus: seen ? seen.strength : null, changes: seen ? seen.changes : [],
    };
  });
  delete window.__goliveKeyboard;
  return elements;
}
