"""A system tray for tests: org.kde.StatusNotifierWatcher on the session bus (what a desktop's
panel runs), recording each StatusNotifierItem that registers as a JSON line in the file named
on its command line: {"sender": ":1.5", "path": "/org/ayatana/NotificationItem/..."}.

    python tests/support/tray_host.py ITEMS.jsonl
"""

from __future__ import annotations

import json
import sys

from gi.repository import Gio, GLib

NAME = PATH = None
WATCHER = "org.kde.StatusNotifierWatcher"
XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""


def main() -> None:
    items_file = sys.argv[1]
    items: list[str] = []

    def on_call(connection, sender, _path, _interface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            (service,) = params.unpack()
            path = service if service.startswith("/") else "/StatusNotifierItem"
            name = sender if service.startswith("/") else service
            items.append(f"{name}{path}")
            with open(items_file, "a", encoding="utf-8") as out:
                out.write(json.dumps({"sender": name, "path": path}) + "\n")
            connection.emit_signal(None, "/StatusNotifierWatcher", WATCHER, "StatusNotifierItemRegistered",
                                   GLib.Variant("(s)", (f"{name}{path}",)))
        invocation.return_value(None)

    def on_get(_connection, _sender, _path, _interface, prop):
        return {"RegisteredStatusNotifierItems": GLib.Variant("as", items),
                "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
                "ProtocolVersion": GLib.Variant("i", 0)}[prop]

    node = Gio.DBusNodeInfo.new_for_xml(XML)
    loop = GLib.MainLoop()

    def on_bus(connection, _name):
        connection.register_object("/StatusNotifierWatcher", node.interfaces[0], on_call, on_get, None)

    Gio.bus_own_name(Gio.BusType.SESSION, WATCHER, Gio.BusNameOwnerFlags.NONE, on_bus, None, lambda *_: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
