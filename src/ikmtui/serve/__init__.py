"""``ikmtui serve``: the application in web browsers, one app process per browser tab, all on one database file.

Importing the package loads nothing: the command line reads the tab limits (``serve.limits``) without the web
server's libraries.
"""
