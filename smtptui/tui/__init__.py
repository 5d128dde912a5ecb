"""The Textual workbench (imported only when the screen is wanted, never by `smtptui run`)."""
