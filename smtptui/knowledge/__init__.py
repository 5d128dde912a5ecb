"""What replies, enhanced codes, EHLO keywords, commands and failures mean; the diagnosis rules."""
