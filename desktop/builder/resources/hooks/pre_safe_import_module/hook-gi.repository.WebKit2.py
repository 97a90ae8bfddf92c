# gi.repository modules are made at run time: modulegraph marks them missing, so the hooks of
# hook-gi.repository.WebKit2.py would never run. Turn the module into a runtime module, as
# PyInstaller's own pre-import hooks do for Gtk and Gdk.


def pre_safe_import_module(api):
    api.add_runtime_module(api.module_name)
