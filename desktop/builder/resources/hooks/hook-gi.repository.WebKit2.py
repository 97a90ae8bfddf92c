# PyInstaller has no hook for WebKit2GTK. Bundle only the GObject introspection data
# (typelibs) of WebKit2 4.1 and the libraries it exposes; the shared libraries themselves and
# WebKit's helper processes (WebKitWebProcess, WebKitNetworkProcess) come from the system,
# which is why the Linux package declares a dependency on libwebkit2gtk-4.1-0.
from PyInstaller.utils.hooks.gi import GiModuleInfo

datas = []
hiddenimports = ["gi.repository.Gtk", "gi.repository.Gio", "gi.repository.Soup", "gi.repository.JavaScriptCore"]
for name, version in (("WebKit2", "4.1"), ("JavaScriptCore", "4.1"), ("Soup", "3.0")):
    module = GiModuleInfo(name, version)
    if module.available:
        _binaries, typelib_datas, _hidden = module.collect_typelib_data()
        datas += typelib_datas
