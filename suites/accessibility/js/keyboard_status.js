// Where the walk is: the focus log so far, the element focused now, and the elements that take several Tab
// presses on their own (frames, date and time fields, media controls), and the elements left to pixels.
() => {
  const G = window.__goliveKeyboard;
  G.settlePending();
  const el = document.activeElement;
  const MULTI = 'iframe, input[type=date], input[type=time], input[type=datetime-local], input[type=month], '
    + 'input[type=week], audio[controls], video[controls]';
  const multiStop = G.elements.flatMap((node, id) => (node.matches(MULTI) ? [id] : []));
  // Elements reached whose computed styles left visible focus open: for the pixel comparison.
  const open = Array.from(G.seen).flatMap(([id, seen]) => (seen.strength === 'strong' ? [] : [id]));
  return { log: G.log, active: G.idOf(el), multiStop, startedAtTop: G.startedAtTop, open };
}
