// Prepare the keyboard walk: list the elements a keyboard user must be able to reach (keyboard_candidates.js),
// note how each looks unfocused (focus_look.js), and log, at every Tab keydown, which element has focus and how
// its look changed.
([maxCandidates, maxDescendants, colourStep, maxLooks]) => {
  // @include keyboard_candidates
  // @include focus_look
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
  G.candidates = goliveCandidates(maxCandidates);
  G.candidates.forEach(G.idOf);
  const { look, compare } = goliveLooks(maxDescendants, colourStep);
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
    G.seen.set(id, compare(before.look, look(el)));
  };
  window.addEventListener('keydown', G.listener, true);
  return G.candidates.length;
}
