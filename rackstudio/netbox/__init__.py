"""Qt-free. The NetBox bridge: pull a NetBox site into a design, push a design to a site.

`client` finds the token and connects, `server` makes the REST calls, `objects` names the
NetBox object types, `export` maps a design onto them, `push` plans and writes, `pull` reads.
pynetbox is an optional dependency (`pip install 'rackstudio[netbox]'`).
"""
