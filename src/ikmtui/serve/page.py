"""The page a browser opens: it needs nothing from the internet (the office network may have none), finds its
websocket from the address the browser used (so it works on localhost, on the office network and behind a TLS
proxy), shows why the server closed a tab, and has the "Upload spreadsheet" button (``serve.uploads``)."""

from __future__ import annotations

import html
import json

from ikmtui.i18n import _, get_language
from ikmtui.serve.uploads import UPLOAD_SUFFIXES

#: Never cached, never framed by another site, never sniffed as something else.
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}

INDEX = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }}
body {{ background: #0c181f; margin: 0; }}
.dialog-container {{ position: absolute; width: 100vw; height: 100vh; display: flex; align-items: center;
  justify-content: center; z-index: 10; }}
.shade {{ position: absolute; width: 100%; height: 100%; background: #0c181f; }}
.intro {{ min-width: 480px; padding: 32px; font: 16px "Roboto Mono", monospace; text-align: center; z-index: 20;
  color: rgba(255, 255, 255, 0.95); background-color: #12232d; display: flex; flex-direction: column;
  align-items: center; justify-content: center; }}
body.-first-byte .intro-dialog {{ display: none; }}
body .textual-terminal {{ opacity: 0; transition: opacity 0.3s ease-out; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
button {{ padding: 16px 32px; background-color: #5e0ba7; color: rgba(255, 255, 255, 0.95); border: none;
  font: 16px "Roboto Mono", monospace; margin: 16px; cursor: pointer; }}
button:hover {{ background: #ac5af4; }}
.closed-dialog {{ display: none; }}
body.-closed .closed-dialog {{ display: flex; }}
#start {{ display: none; }}
#start.-delay {{ display: block; }}
#upload {{ position: fixed; top: 0; right: 0; z-index: 5; display: flex; align-items: center; gap: 8px;
  font: 12px "Roboto Mono", monospace; color: rgba(255, 255, 255, 0.95); }}
#upload label {{ padding: 2px 10px; background: #5e0ba7; cursor: pointer; opacity: 0.85; }}
#upload label:hover {{ background: #ac5af4; opacity: 1; }}
#upload-status {{ background: #12232d; padding: 2px 6px; }}
#upload-status:empty {{ display: none; }}
</style>
<script>
function getStartUrl() {{
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.search);
  params.delete("delay");
  return url.pathname + "?" + params.toString();
}}
function refresh() {{ window.location.href = getStartUrl(); }}
// The server says why it closed a tab (too many tabs, too much input) in the close reason: show it.
window.WebSocket = class extends window.WebSocket {{
  constructor(...args) {{
    super(...args);
    this.addEventListener("close", (event) => {{
      if (event.reason) {{ document.querySelector(".closed-dialog .message").textContent = event.reason; }}
    }});
  }}
}};
</script>
<script src="/static/js/textual.js"></script>
</head>
<body>
<div class="dialog-container intro-dialog"><div class="shade"></div>
  <div class="intro"><div>{title}</div><div>{starting}</div>
  <button type="button" onclick="refresh()" id="start">{start}</button></div></div>
<div class="dialog-container closed-dialog"><div class="shade"></div>
  <div class="intro"><div class="message">{ended}</div>
  <button type="button" onclick="refresh()">{restart}</button></div></div>
<form id="upload"><span id="upload-status" role="status"></span>
  <label title="{upload_help}">{upload}<input type="file" id="upload-file" accept="{accept}" hidden></label></form>
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<script>
(function () {{
  const terminal = document.getElementById("terminal");
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";
  const size = parseInt(new URLSearchParams(window.location.search).get("fontsize") || "16", 10);
  if (size >= 6 && size <= 48) {{ terminal.dataset.fontSize = String(size); }}
  const input = document.getElementById("upload-file");
  const status = document.getElementById("upload-status");
  input.addEventListener("change", async () => {{
    const file = input.files[0];
    if (!file) {{ return; }}
    const form = new FormData();
    form.append("file", file, file.name);
    status.textContent = {uploading};
    try {{
      const response = await fetch("/upload", {{ method: "POST", body: form }});
      const answer = await response.json().catch(() => ({{ message: response.statusText }}));
      status.textContent = answer.message;
    }} catch (error) {{
      status.textContent = {failed};
    }}
    input.value = "";
    const keyboard = document.querySelector(".xterm-helper-textarea");
    if (keyboard) {{ keyboard.focus(); }}  // the keys go to the app again
  }});
}})();
</script>
</body>
</html>
"""

REFUSED_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="background: #0c181f; color: rgba(255, 255, 255, 0.95); font: 16px monospace; padding: 32px;">
<p>{reason}</p><p><a href="/" style="color: #ac5af4;">{again}</a></p></body></html>
"""


def index_page(title: str) -> str:
    """The page of one tab, in the server's language."""
    text = {
        key: html.escape(value)
        for key, value in {
            "title": title,
            "starting": _("Starting…"),
            "start": _("Start"),
            "ended": _("Session ended."),
            "restart": _("Open again"),
            "upload": _("Upload spreadsheet"),
            "upload_help": _(
                "Send a spreadsheet to the server for the Import screen ({suffixes})",
                suffixes=", ".join(UPLOAD_SUFFIXES),
            ),
            "accept": ",".join(UPLOAD_SUFFIXES),
        }.items()
    }
    script = {
        key: json.dumps(value).replace("<", "\\u003c")
        for key, value in {
            "uploading": _("Uploading…"),
            "failed": _("The upload failed: the server could not be reached"),
        }.items()
    }
    return INDEX.format(lang=get_language(), **text, **script)


def refused_page(title: str, reason: str) -> str:
    """The page in place of a tab that cannot open now, saying why."""
    return REFUSED_PAGE.format(
        lang=get_language(), title=html.escape(title), reason=html.escape(reason), again=html.escape(_("Open again"))
    )
