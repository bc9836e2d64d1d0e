// Loaded first by the strict-CSP test page: records every Content-Security-Policy / Trusted Types
// violation the page reports, so the test can require that there are none.
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample || ''}`.trim());
});
window.kpgLog = [];
for (const type of ['kpg-card-select', 'kpg-session', 'kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error']) {
  document.addEventListener(type, (e) => window.kpgLog.push({ type, detail: e.detail }));
}
