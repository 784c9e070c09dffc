"""The text line: the SMS command grammar over the registry core."""
