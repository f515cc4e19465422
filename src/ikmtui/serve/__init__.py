"""``ikmtui serve``: the application in web browsers, one app process per browser tab, all on one database file.

    server.py   the web server (``WebServer``, ``serve``): routes, guards, ordered shutdown
    session.py  one tab's app process (``Session``) and the command that starts it
    tab.py      what that process runs (``python -m ikmtui.serve.tab``): the app; the one module here using Textual
    limits.py   tabs per server and per address, each tab's input budget
    uploads.py  spreadsheets posted from the page into the uploads folder
    page.py     the page a browser opens (works offline)
    backups.py  the daily backup while serving
    network.py  loopback or not, the addresses to open
    console.py  lines for the person who started the server

Importing the package loads nothing: the command line (``commands/serve.py``) reads the tab limits from
``serve.limits`` without the web server's libraries and loads the server only when it runs.
"""
