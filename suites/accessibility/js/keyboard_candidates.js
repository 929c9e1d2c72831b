// Which elements a keyboard user must be able to reach with Tab (included by keyboard_setup.js).
//
// An element counts only when it is rendered (a box of its own, not display:none or visibility:hidden), not
// hidden, inert, disabled, or inside a closed <details> or <dialog>, and interactive by nature: a link, a
// button, a form control, a summary, an element with an interactive role, or one with tabindex 0 or more.
// tabindex="-1" on anything else is how scripts move focus to a heading or a region: not a defect.
const goliveCandidates = (maxCandidates) => {
  const NATIVE = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, '
    + 'audio[controls], video[controls], [contenteditable]:not([contenteditable="false"])';
  const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'textbox', 'searchbox', 'combobox', 'slider', 'spinbutton', 'treeitem']);
  const role = (el) => (el.getAttribute('role') || '').trim().split(/\s+/)[0];
  const firstSummary = (el) => el.parentElement && el.parentElement.localName === 'details'
    && el.parentElement.querySelector(':scope > summary') === el;
  const interactive = (el) => {
    if (el.localName === 'summary') return firstSummary(el);
    if (el.matches(NATIVE) || ROLES.has(role(el))) return true;
    return el.hasAttribute('tabindex') && el.tabIndex >= 0;
  };
  const inClosedDetails = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (up.localName === 'details' && !up.open && !(firstSummary(el) && el.parentElement === up)) return true;
    }
    return false;
  };
  const rendered = (el) => {
    if (el.closest('[hidden], [inert], dialog:not([open])') || el.matches(':disabled') || inClosedDetails(el)) {
      return false;
    }
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const candidates = [];
  // Frames are left out: Tab moves into their content, which their own document handles.
  for (const el of document.querySelectorAll(NATIVE + ', [tabindex]:not(iframe), [role]')) {
    if (candidates.length >= maxCandidates) break;
    if (interactive(el) && rendered(el)) candidates.push(el);
  }
  return candidates;
};
