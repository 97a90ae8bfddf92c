"""Installers built around the PyInstaller bundle, one module per format."""
