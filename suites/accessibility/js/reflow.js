// The page's horizontal overflow at the current (narrow) viewport, and what causes it: the outermost elements
// whose box reaches past the right edge, or whose own text does. Content inside a scrolling or clipping
// container does not make the page scroll sideways, and fixed elements do not scroll at all. Content that
// WCAG 1.4.10 exempts (data tables, maps, diagrams, images, video, preformatted text and code) is listed apart.
async ([maxElements, maxListed]) => {
  // @include common
  // Wait for the next frame: by then the page's resize and media-query listeners have run (in the same
  // rendering step, before animation-frame callbacks), so the layout measured is the one a person sees.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const width = document.documentElement.clientWidth;
  const body = document.body;
  const scrollWidth = Math.max(document.documentElement.scrollWidth, body ? body.scrollWidth : 0);
  const overflow = scrollWidth - width;
  const empty = { width, scrollWidth, overflow: 0, offenders: [], offenderCount: 0, exempt: [], exemptCount: 0 };
  if (overflow <= 1 || !body) return empty;
  const EXEMPT = 'table, [role=table], [role=grid], [role=treegrid], pre, code, kbd, samp, video, canvas, svg, '
    + 'img, picture, map, object, embed, math, [role=img], [role=application]';
  // What each element inherits from its ancestors; elements come in document order, so a parent is seen first.
  const state = new Map();
  const offenders = [];
  const exempt = [];
  let scanned = 0;
  for (const el of body.querySelectorAll('*')) {
    if (++scanned > maxElements) break;
    const up = state.get(el.parentElement) || { contained: false, flagged: false, exempt: false };
    const style = getComputedStyle(el);
    const mine = { contained: up.contained, flagged: up.flagged, exempt: up.exempt || el.matches(EXEMPT) };
    state.set(el, mine);
    if (up.contained || up.flagged || style.position === 'fixed' || style.display === 'none') {
      mine.contained = up.contained || style.overflowX !== 'visible';
      continue;
    }
    const rect = el.getBoundingClientRect();
    let reach = rect.width > 0 ? rect.right : 0;
    // A long word or URL overflows its own box: the box fits, its text does not.
    if (reach <= width + 1 && style.display !== 'inline' && style.overflowX === 'visible'
        && el.scrollWidth > el.clientWidth + 1
        && Array.from(el.childNodes).some((node) => node.nodeType === 3 && node.textContent.trim())) {
      reach = rect.left + el.scrollWidth;
    }
    mine.contained = style.overflowX !== 'visible';
    if (reach <= width + 1) continue;
    mine.flagged = true;
    const entry = { target: [golivePath(el)], html: goliveHtml(el), right: Math.round(reach),
                    width: Math.round(rect.width) };
    (mine.exempt ? exempt : offenders).push(entry);
  }
  const widest = (list) => list.slice().sort((a, b) => b.right - a.right || b.width - a.width).slice(0, maxListed);
  return { width, scrollWidth, overflow, offenders: widest(offenders), offenderCount: offenders.length,
           exempt: widest(exempt), exemptCount: exempt.length };
}
