"""PDF documents: the house look (style) and the documents built on it."""
