-- Neovim 0.11+ picks this up from 'runtimepath': `vim.lsp.enable('dockerlean')` is all it takes.
return require('dockerlean').config()
