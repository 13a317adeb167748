"""The language server (``citetool lsp``): the library inside an editor, for LaTeX and Markdown documents."""
