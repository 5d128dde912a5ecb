"""The headless front end: the grammar, `smtptui run`, `mx`, `profiles`, the printer."""
