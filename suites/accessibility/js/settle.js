// Resolve after two frames: the page's resize and media-query listeners have run and the layout is current.
() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))
