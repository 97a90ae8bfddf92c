"""A freedesktop notification server for tests (org.freedesktop.Notifications on the session
bus): it records each Notify as a JSON line in the file named on its command line, and sends
ActionInvoked when a test "clicks" a notification through its own Test.Click method.

    python tests/support/notification_server.py CALLS.jsonl
"""

from __future__ import annotations

import json
import sys

from gi.repository import Gio, GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
  <interface name="org.freedesktop.Notifications.Test">
    <method name="Click"><arg type="u" direction="in"/><arg type="s" direction="in"/></method>
  </interface>
</node>
"""


def main() -> None:
    calls_file = sys.argv[1]
    next_id = [1]

    def on_call(connection, _sender, _path, interface, method, params, invocation):
        if method == "Notify":
            app_name, _replaces, _icon, summary, body, actions, _hints, _timeout = params.unpack()
            number = next_id[0]
            next_id[0] += 1
            with open(calls_file, "a", encoding="utf-8") as calls:
                calls.write(json.dumps({"id": number, "app_name": app_name, "summary": summary, "body": body,
                                        "actions": actions}) + "\n")
            invocation.return_value(GLib.Variant("(u)", (number,)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("test-notifications", "tests", "1.0", "1.2")))
        elif method == "CloseNotification":
            invocation.return_value(None)
        elif method == "Click":
            number, action = params.unpack()
            connection.emit_signal(None, PATH, NAME, "ActionInvoked", GLib.Variant("(us)", (number, action)))
            invocation.return_value(None)

    node = Gio.DBusNodeInfo.new_for_xml(XML)
    loop = GLib.MainLoop()

    def on_bus(connection, _name):
        for interface in node.interfaces:
            connection.register_object(PATH, interface, on_call, None, None)

    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE, on_bus, None, lambda *_: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
