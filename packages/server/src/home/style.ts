/** The page's stylesheet: system fonts only, nothing fetched from elsewhere. */
export const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid #d0d7de}
.bar h1{font-size:1.25rem;margin:0}
.who{display:flex;gap:.5rem;align-items:center}
main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem 3rem}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
.intro{color:#59636e;margin:.25rem 0 1rem}
.messages{position:sticky;top:0;z-index:1}
#status:empty{display:none}
#status{margin:0 0 .75rem;padding:.5rem .75rem;background:#dafbe1;border:1px solid #aceebb;border-radius:6px}
#error{margin:0 0 .75rem;padding:.5rem .75rem;background:#ffebe9;border:1px solid #ffcecb;border-radius:6px}
#error p{margin:.15rem 0}#error .lead{font-weight:600}#error ul{margin:.25rem 0;padding-left:1.25rem}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
.panel h2{margin-top:0}
.narrow{max-width:360px}
form{display:grid;gap:.35rem}
form button{margin-top:.5rem;justify-self:start}
input{font:inherit;padding:.4rem .5rem;border:1px solid #d0d7de;border-radius:6px}
button{font:inherit;padding:.3rem .75rem;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;color:inherit;cursor:pointer}
button:hover{background:#eef1f4}
button.primary{background:#1a7f37;border-color:#1a7f37;color:#fff}
button.primary:hover{background:#116329}
button:disabled,button:disabled:hover{opacity:.55;cursor:not-allowed;background:#f6f8fa}
button.primary:disabled,button.primary:disabled:hover{background:#1a7f37}
:focus-visible{outline:2px solid #0969da;outline-offset:2px}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:flex-end}
.usage{color:#59636e;font-size:13px}
.usage.warn{color:#9a6700;font-weight:600}
.authorization{display:flex;flex-wrap:wrap;gap:1.25rem;align-items:flex-start}
.authorization img{border:1px solid #d0d7de;border-radius:6px;background:#fff}
.authorization div{flex:1;min-width:16rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:8px}
table{border-collapse:collapse;width:100%}
th,td{padding:.45rem .6rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;font-weight:600;white-space:nowrap}
tbody th{font-weight:600}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.warn{color:#9a6700}
.danger{color:#a40e26}
.muted{color:#59636e}
.reminders{margin:0 0 .75rem;padding:.5rem .75rem;background:#fff8c5;border:1px solid #d4a72c;border-radius:6px}
.reminders p{margin:.15rem 0;font-weight:600}
.badge{display:inline-block;padding:0 .5rem;border:1px solid;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
.badge-active{background:#dafbe1;border-color:#aceebb;color:#116329}
.badge-expiring{background:#fff8c5;border-color:#d4a72c;color:#7d4e00}
.badge-lapsed{background:#ffebe9;border-color:#ff8182;color:#a40e26}
.badge-cooling_off{background:#ddf4ff;border-color:#80ccff;color:#0550ae}
.badge-unauthorized{background:#eaeef2;border-color:#d0d7de;color:#59636e}
.note{font-size:13px;margin-top:.15rem;color:#59636e}
.note.warn{color:#9a6700;font-weight:600}
.note.danger{color:#a40e26;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.3rem}
.actions button{padding:.15rem .5rem;font-size:13px}
`;
