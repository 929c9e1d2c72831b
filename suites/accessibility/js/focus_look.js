// How an element looks, for the visible-focus check (included by keyboard_setup.js).
//
// Its look is read from computed styles, the way a person sees it: the element, its descendants, the
// pseudo-elements of each, its labels and next sibling (`:focus + label::before`), and its nearest ancestors
// (`:focus-within`). A part that is not drawn (opacity 0, visibility hidden) changes nothing a person sees.
// The element's own look is read first; the wider parts only when the element itself did not change clearly.
const goliveLooks = (maxDescendants, colourStep) => {
  // The parts of the page beyond the element itself whose look may show that `el` has focus, each with a
  // name for the evidence.
  const widerParts = (el) => {
    const parts = [];
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
  const lookOf = (parts) => parts.map(([name, part, pseudos]) => ({
    name, element: part, drawn: drawnPart(part),
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
  const compare = (before, after) => {
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
  const own = (el) => lookOf([['the element', el, true]]);
  const strongest = (a, b) => (a === 'strong' || b === 'strong' ? 'strong'
    : a === 'weak' || b === 'weak' ? 'weak' : 'none');
  return { own, widerParts, lookOf, compare, strongest };
};
