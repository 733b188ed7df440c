/**
 * The banner's and the connection indicator's style sheet, rendered as a `<style>` element inside each
 * component: it works in server-side rendering without any script, and every selector starts with the
 * `cpb-` prefix, so nothing applies outside the components. Theme through the custom properties
 * (`--cpb-bg`, `--cpb-fg`, `--cpb-accent`, `--cpb-track`, `--cpb-success`, `--cpb-error`, `--cpb-font`,
 * `--cpb-z-index`, `--cpb-position`, `--cpb-top`). `prefers-reduced-motion` turns every animation and
 * transition off.
 */
export const BANNER_STYLES = `.cpb{--cpb-c:var(--cpb-accent,#5b8def);position:var(--cpb-position,fixed);top:var(--cpb-top,0);left:0;right:0;z-index:var(--cpb-z-index,1000);box-sizing:border-box;display:flex;align-items:center;gap:12px;padding:10px 12px 10px 16px;background:var(--cpb-bg,#1f2430);color:var(--cpb-fg,#f4f6fa);font:var(--cpb-font,500 14px/1.4 system-ui,sans-serif);box-shadow:0 2px 10px #0004;animation:cpb-in .25s ease-out}
.cpb[data-status=completed]{--cpb-c:var(--cpb-success,#3fb27f)}
.cpb[data-status=error],.cpb[data-status=cancelled]{--cpb-c:var(--cpb-error,#e5534b);box-shadow:inset 4px 0 var(--cpb-c),0 2px 10px #0004}
.cpb[data-status=error] .cpb-message{font-weight:700}
.cpb-body{flex:1;min-width:0}
.cpb-row{display:flex;flex-wrap:wrap;column-gap:12px;justify-content:space-between}
.cpb-message{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.cpb-meta,.cpb-details{opacity:.8;font-variant-numeric:tabular-nums;white-space:nowrap}
.cpb-details{font-size:.86em;white-space:normal;margin-top:2px}
.cpb-track{height:6px;margin-top:6px;border-radius:3px;background:var(--cpb-track,#fff3);overflow:hidden}
.cpb-fill{height:100%;background:var(--cpb-c);transform-origin:left;transition:transform .4s ease,background-color .3s}
.cpb-preview{flex:none;width:40px;height:40px;border-radius:4px;object-fit:cover}
.cpb-dismiss{flex:none;border:0;border-radius:4px;padding:2px 8px;background:none;color:inherit;font:inherit;font-size:20px;line-height:1;cursor:pointer;opacity:.75}
.cpb-dismiss:hover{opacity:1;background:#fff2}
.cpb-dismiss:focus-visible{opacity:1;outline:2px solid var(--cpb-c);outline-offset:1px}
.cpb-live{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.cpb-conn{display:inline-flex;align-items:center;gap:6px;font:var(--cpb-font,500 13px/1.4 system-ui,sans-serif)}
.cpb-conn:before{content:"";width:8px;height:8px;border-radius:50%;background:#9aa3b2}
.cpb-conn[data-state=idle]:before{display:none}
.cpb-conn[data-state=connected]:before{background:var(--cpb-success,#3fb27f)}
.cpb-conn[data-state=reconnecting]:before{background:#e0a526;animation:cpb-pulse 1s infinite alternate}
.cpb-conn[data-state=given-up]:before{background:var(--cpb-error,#e5534b)}
@keyframes cpb-in{from{opacity:0;transform:translateY(-100%)}}
@keyframes cpb-pulse{to{opacity:.3}}
@media (prefers-reduced-motion:reduce){.cpb,.cpb *,.cpb-conn:before{animation:none!important;transition:none!important}}`
