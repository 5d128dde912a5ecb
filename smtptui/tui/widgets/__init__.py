"""The workbench's widgets: sidebar, transcript view, step bar and capability inspector."""
