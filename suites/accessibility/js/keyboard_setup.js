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
  const looks = goliveLooks(maxDescendants, colourStep);
  G.isCandidate = new Set(G.candidates);
  // The own look of the first `maxLooks` candidates is noted now; a walk that reaches others leaves them to pixels.
  G.before = new Map(G.candidates.slice(0, maxLooks).map((el) => [el, looks.own(el)]));
  G.log = [];
  G.seen = new Map();
  // An element whose own look did not change clearly: its wider parts, as they looked while it had focus, are
  // compared with how they look once focus has moved on (parts that hold the new focus are left out).
  G.pending = null;
  G.settlePending = () => {
    const wait = G.pending;
    if (!wait || document.activeElement === wait.element) return;
    G.pending = null;
    const focusNow = document.activeElement;
    const holdsFocus = (part) => focusNow && (part.element === focusNow || part.element.contains(focusNow));
    const keep = wait.after.map((part) => !holdsFocus(part));
    const now = looks.lookOf(wait.parts).filter((_, i) => keep[i]);
    const wider = looks.compare(now, wait.after.filter((_, i) => keep[i]));
    G.seen.set(wait.id, { strength: looks.strongest(wait.own.strength, wider.strength),
                          changes: [...wait.own.changes, ...wider.changes].slice(0, 3) });
  };
  G.listener = (event) => {
    if (event.key !== 'Tab') return;
    G.settlePending();
    const el = document.activeElement;
    const id = G.idOf(el);
    G.log.push(id);
    if (id < 0 || G.seen.has(id) || !G.isCandidate.has(el)) return;
    const before = G.before.get(el);
    if (!before) { G.seen.set(id, { strength: 'none', changes: ['not measured before the walk'] }); return; }
    const own = looks.compare(before, looks.own(el));
    G.seen.set(id, own);
    if (own.strength === 'strong') return;
    const parts = looks.widerParts(el);
    G.pending = { id, element: el, own, parts, after: looks.lookOf(parts) };
  };
  window.addEventListener('keydown', G.listener, true);
  return G.candidates.length;
}
