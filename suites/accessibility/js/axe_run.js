// Run axe in the top frame. The timer bounds axe itself; navigation has Playwright's own timeout. Unknown rule
// ids in the config are reported before running, because axe would otherwise reject every page with the same
// error. The result comes back as one JSON string: Playwright's own value transfer walks and validates every
// node of a large object in the page, the driver and Python, which cost more CPU than axe's run on a typical page.
async ([options, requestedRules, timeoutMs]) => {
  if (typeof window.axe === 'undefined' || typeof window.axe.run !== 'function') {
    throw new Error('axe-core was not loaded in this page');
  }
  const known = new Set(window.axe.getRules().map((rule) => rule.ruleId));
  const unknown = requestedRules.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return JSON.stringify({ golive_unknown_rules: unknown, version: window.axe.version });
  }
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return JSON.stringify(await Promise.race([window.axe.run(document, options), expiry]));
  } finally {
    clearTimeout(timer);
  }
}
