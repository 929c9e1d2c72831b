// Prepare the keyboard walk: list the elements a keyboard user must be able to reach, note how each looks
// unfocused, and log, at every Tab keydown, which element has focus and how its look changed.
//
// An element counts only when it is rendered (a box of its own, not display:none or visibility:hidden), not
// hidden, inert, disabled, or inside a closed <details> or <dialog>, and interactive by nature: a link, a
// button, a form control, a summary, an element with an interactive role, or one with tabindex 0 or more.
// tabindex="-1" on anything else is how scripts move focus to a heading or a region: not a defect.
//
// Its look is read from computed styles, the way a person sees it: the element, its descendants, the
// pseudo-elements of each, its labels and next sibling (`:focus + label::before`), and its nearest ancestors
// (`:focus-within`). A part that is not drawn (opacity 0, visibility hidden) changes nothing a person sees.
([maxCandidates, maxDescendants, colourStep, maxLooks]) => {
  const NATIVE = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, '
    + 'audio[controls], video[controls], [contenteditable]:not([contenteditable="false"])';
  const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'textbox', 'searchbox', 'combobox', 'slider', 'spinbutton', 'treeitem']);
  const G = {};
  window.__goliveKeyboard = G;
  const start = document.activeElement;
  G.startedAtTop = !start || start === document.body || start === document.documentElement;
  if (!G.startedAtTop && typeof start.blur === 'function') start.blur();
  // Transitions and animations would make the focused look read half-way, and a blinking caret would change
  // pixels by itself: the walk must see the final style at once.
  G.style = document.createElement('style');
  G.style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; '
    + 'caret-color: transparent !important; }';
  (document.head || document.documentElement).appendChild(G.style);
  G.ids = new Map();
  G.elements = [];
  G.idOf = (el) => {
    if (!el || el === document.body || el === document.documentElement) return -1;
    let id = G.ids.get(el);
    if (id === undefined) { id = G.elements.length; G.ids.set(el, id); G.elements.push(el); }
    return id;
  };

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
  G.rendered = rendered;
  G.candidates = [];
  // Frames are left out: Tab moves into their content, which their own document handles.
  for (const el of document.querySelectorAll(NATIVE + ', [tabindex]:not(iframe), [role]')) {
    if (G.candidates.length >= maxCandidates) break;
    if (!interactive(el) || !rendered(el)) continue;
    G.idOf(el);
    G.candidates.push(el);
  }

  // The parts of the page whose look may show that `el` has focus, each with a name for the evidence.
  const partsOf = (el) => {
    const parts = [['the element', el, true]];
    const inner = el.querySelectorAll('*');
    for (let i = 0; i < inner.length && i < maxDescendants; i++) parts.push(['its content', inner[i], true]);
    for (const label of el.labels || []) if (label !== el) parts.push(['its label', label, true]);
    if (el.nextElementSibling) parts.push(['the element after it', el.nextElementSibling, true]);
    // Containers are read without their pseudo-elements: `:focus-within` styles the box itself.
    let up = el.parentElement;
    for (let level = 0; level < 2 && up && up !== document.body; level++, up = up.parentElement) {
      parts.push(['a container', up, false]);
    }
    return parts;
  };
  const drawnPart = (el) => !el.checkVisibility
    || el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const PROPS = ['outline', 'box-shadow', 'border', 'background-color', 'background-image', 'color',
    'text-decoration', 'font-weight', 'transform', 'filter', 'opacity', 'shown', 'box', 'clip-path'];
  const read = (el, pseudo) => {
    const s = getComputedStyle(el, pseudo);
    if (pseudo && (s.content === 'none' || s.content === 'normal')) return null;
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineOffset}|${s.outlineColor}` : 'none';
    const sides = ['top', 'right', 'bottom', 'left'].map((side) => {
      const style = s.getPropertyValue(`border-${side}-style`);
      const width = s.getPropertyValue(`border-${side}-width`);
      return style === 'none' || parseFloat(width) === 0 ? 'none'
        : `${style} ${width}|${s.getPropertyValue(`border-${side}-color`)}`;
    });
    return {
      outline, border: sides.join(';'), 'box-shadow': s.boxShadow, 'background-color': s.backgroundColor,
      'background-image': s.backgroundImage, color: s.color,
      'text-decoration': `${s.textDecorationLine} ${s.textDecorationStyle} ${s.textDecorationThickness} `
        + `${s.textUnderlineOffset}|${s.textDecorationLine === 'none' ? '' : s.textDecorationColor}`,
      'font-weight': s.fontWeight, transform: s.transform, filter: s.filter, opacity: s.opacity,
      shown: `${s.display} ${s.visibility}`, box: pseudo ? `${s.width} ${s.height}` : '',
      'clip-path': `${s.clipPath} ${s.clip} ${s.position}`,
    };
  };
  const look = (el) => partsOf(el).map(([name, part, pseudos]) => ({
    name, drawn: drawnPart(part),
    styles: (pseudos ? [null, '::before', '::after'] : [null]).map((pseudo) => read(part, pseudo)),
  }));
  // Colours closer than `colourStep` on every channel are a change a person may not see: left to pixels.
  const channels = (colour) => {
    const m = /^rgba?\(([^)]+)\)$/.exec(colour.trim());
    if (!m) return null;
    const v = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] * 255 : 255];
  };
  // A value 'shape|colour' (an outline, a decoration) changed only slightly when its shape stayed the same.
  const colourChange = (a, b) => {
    const [x, y] = [channels(a.split('|').pop()), channels(b.split('|').pop())];
    const shape = (value) => (value.includes('|') ? value.split('|')[0] : '');
    if (!x || !y || shape(a) !== shape(b)) return 'strong';
    return x.some((value, i) => Math.abs(value - y[i]) >= colourStep) ? 'strong' : 'weak';
  };
  const COLOURED = new Set(['background-color', 'color', 'outline', 'text-decoration']);
  // How the look changed: 'strong' (a change a person sees), 'weak' (only slight colour shifts), or 'none'.
  G.compare = (before, after) => {
    let strength = 'none';
    const changes = [];
    after.forEach((part, index) => {
      const was = before[index];
      if (!was || !part.drawn) return;
      part.styles.forEach((style, pseudoIndex) => {
        const old = was.styles[pseudoIndex];
        const pseudo = ['', '::before', '::after'][pseudoIndex];
        if (!style && !old) return;
        if (!style || !old) {
          strength = 'strong';
          changes.push(`${part.name}${pseudo} ${style ? 'appears' : 'disappears'}`);
          return;
        }
        for (const name of PROPS) {
          if (style[name] === old[name]) continue;
          const kind = COLOURED.has(name) ? colourChange(old[name], style[name]) : 'strong';
          if (kind === 'strong') strength = 'strong';
          else if (strength === 'none') strength = 'weak';
          changes.push(`${part.name}${pseudo}: ${name} ${old[name]} → ${style[name]}`);
        }
      });
    });
    return { strength, changes: changes.slice(0, 3) };
  };
  G.isCandidate = new Set(G.candidates);
  // The look of the first `maxLooks` candidates is noted now; a walk that reaches others leaves them to pixels.
  G.before = new Map(G.candidates.slice(0, maxLooks).map((el) => [el, { look: look(el) }]));
  G.log = [];
  G.seen = new Map();
  G.listener = (event) => {
    if (event.key !== 'Tab') return;
    const el = document.activeElement;
    const id = G.idOf(el);
    G.log.push(id);
    if (id < 0 || G.seen.has(id) || !G.isCandidate.has(el)) return;
    const before = G.before.get(el);
    if (!before) { G.seen.set(id, { strength: 'none', changes: ['not measured before the walk'] }); return; }
    G.seen.set(id, G.compare(before.look, look(el)));
  };
  window.addEventListener('keydown', G.listener, true);
  return G.candidates.length;
}
