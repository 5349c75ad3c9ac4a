"""load: the content folder -> Article records (one reader per input shape)."""
