"""enrich: whole-archive step -> final tags, related articles, teaser links."""
