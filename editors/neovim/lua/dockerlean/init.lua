-- dockerlean for Neovim: starts `dockerlean lsp` for Dockerfiles.
--
--   require('dockerlean').setup {}                 -- Neovim 0.8 or newer
--   require('dockerlean').setup { cmd = { '/path/to/dockerlean', 'lsp' } }
--
-- On Neovim 0.11+ setup{} goes through vim.lsp.config/vim.lsp.enable; before that it starts the
-- server with vim.lsp.start from a FileType autocommand.

local M = {}

local defaults = {
  cmd = { 'dockerlean', 'lsp' },
  filetypes = { 'dockerfile' },
  root_markers = { '.git', '.dockerignore' },
}

-- Neovim does not know every name the Docker ecosystem uses for these files.
local function add_filetypes()
  vim.filetype.add({
    filename = { Containerfile = 'dockerfile' },
    pattern = {
      ['.*%.[Dd]ockerfile'] = 'dockerfile',
      ['Dockerfile%..*'] = 'dockerfile',
      ['Containerfile%..*'] = 'dockerfile',
    },
  })
end

--- The server configuration, `overrides` merged over the defaults.
function M.config(overrides)
  return vim.tbl_deep_extend('force', {}, defaults, overrides or {})
end

local function root_dir(config, path)
  local found = vim.fs.find(config.root_markers, { path = vim.fs.dirname(path), upward = true })[1]
  return found and vim.fs.dirname(found) or vim.fs.dirname(path)
end

local function start_on_filetype(config)
  local group = vim.api.nvim_create_augroup('dockerlean', { clear = true })
  local function start(bufnr)
    local path = vim.api.nvim_buf_get_name(bufnr)
    vim.lsp.start({
      name = 'dockerlean',
      cmd = config.cmd,
      root_dir = root_dir(config, path),
      settings = config.settings,
      on_attach = config.on_attach,
      capabilities = config.capabilities,
    }, { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- Buffers opened before setup{} ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

function M.setup(overrides)
  if vim.fn.has('nvim-0.8') == 0 then
    error('dockerlean.nvim needs Neovim 0.8 or newer (vim.lsp.start)')
  end
  local config = M.config(overrides)
  if vim.fn.executable(config.cmd[1]) == 0 then
    vim.notify(
      ('dockerlean: %s was not found. Install it with `cargo install --locked --path .` in a checkout of dockerlean, '
        .. 'or pass setup{ cmd = { "/path/to/dockerlean", "lsp" } }.'):format(config.cmd[1]),
      vim.log.levels.ERROR
    )
    return
  end
  add_filetypes()
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    vim.lsp.config('dockerlean', config)
    vim.lsp.enable('dockerlean')
  else
    start_on_filetype(config)
  end
end

return M
