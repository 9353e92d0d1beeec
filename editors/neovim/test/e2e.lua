-- End-to-end test in a real, headless Neovim:
--   DOCKERLEAN_BIN=… nvim --headless --clean -c "luafile test/e2e.lua" DIR/Dockerfile
-- Neovim 0.8+ goes through require('dockerlean').setup{}; 0.7 has no vim.lsp.start, so this
-- harness starts the client itself (vim.lsp.start_client + buf_attach_client) and checks that
-- setup{} refuses clearly. Results are one line each on stdout; the exit code is the verdict.

local plugin = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(plugin)
local bin = assert(os.getenv('DOCKERLEAN_BIN'), 'DOCKERLEAN_BIN is not set')
local version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor)
local failures = 0

local function say(line)
  io.stdout:write('neovim ' .. version .. ': ' .. line .. '\n')
end

local function check(ok, what, detail)
  if ok then
    say('ok: ' .. what)
  else
    failures = failures + 1
    say('FAILED: ' .. what .. (detail and (' (' .. detail .. ')') or ''))
  end
  return ok
end

local function finish()
  io.stdout:flush()
  vim.cmd(failures == 0 and 'qall!' or 'cquit! 1')
end

local bufnr = vim.api.nvim_get_current_buf()
local client
if vim.fn.has('nvim-0.8') == 1 then
  require('dockerlean').setup({ cmd = { bin, 'lsp' } })
  vim.cmd('filetype detect')
  vim.wait(10000, function()
    client = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ bufnr = bufnr, name = 'dockerlean' })[1]
    return client ~= nil and client.initialized
  end, 50)
else
  local ok, err = pcall(require('dockerlean').setup, {})
  check(not ok and tostring(err):find('0.8 or newer', 1, true) ~= nil, 'setup{} refuses Neovim 0.7 with a reason', tostring(err))
  local id = vim.lsp.start_client({ name = 'dockerlean', cmd = { bin, 'lsp' }, root_dir = vim.fn.getcwd() })
  vim.lsp.buf_attach_client(bufnr, id)
  vim.wait(10000, function()
    client = vim.lsp.get_client_by_id(id)
    return client ~= nil and client.initialized
  end, 50)
end
if not check(client ~= nil and client.initialized, 'the dockerlean server attached to the Dockerfile buffer') then
  finish()
end

-- Diagnostics: the DKL101 size finding on `RUN pip install …`.
local function dkl101()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'DKL101' or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == 'DKL101') then
      return d
    end
  end
end
vim.wait(10000, function()
  return dkl101() ~= nil
end, 50)
local diagnostic = dkl101()
check(diagnostic ~= nil, 'DKL101 diagnostic published', vim.inspect(vim.diagnostic.get(bufnr)))
if diagnostic then
  check(diagnostic.message:find('--no-cache-dir', 1, true) ~= nil, 'DKL101 says what to add', diagnostic.message)
end

-- Hover on the FROM line: the base image's size.
local from_line = vim.fn.search('^FROM ', 'n') - 1
check(client.server_capabilities.hoverProvider, 'the server offers hover')
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  position = { line = from_line, character = 6 },
}
local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000) or {}
local text = ''
for _, response in pairs(responses) do
  if response.result then
    text = text .. table.concat(vim.lsp.util.convert_input_to_markdown_lines(response.result.contents), '\n')
  end
end
check(text:find('%d+%.?%d*%s*MB') ~= nil, 'hover on FROM shows the image size in MB', text)

-- Code action: the DKL101 quick fix, applied to the buffer.
if diagnostic then
  -- 0.11 keeps the whole LSP diagnostic in user_data.lsp; 0.7 keeps only some fields (data among
  -- them, which the server needs to find its finding again).
  local original = (diagnostic.user_data and diagnostic.user_data.lsp) or {}
  local lsp_diagnostic = original.range and original
    or {
      range = {
        start = { line = diagnostic.lnum, character = diagnostic.col },
        ['end'] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
      },
      message = diagnostic.message,
      code = original.code or diagnostic.code,
      severity = diagnostic.severity,
      data = original.data,
    }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000) or {}
  local action
  for _, response in pairs(responses) do
    for _, candidate in ipairs(response.result or {}) do
      if candidate.edit then
        action = action or candidate
      end
    end
  end
  if check(action ~= nil, 'a quick fix is offered for DKL101') then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
    local run = vim.fn.getline(vim.fn.search('pip install', 'n'))
    check(run:find('pip install --no-cache-dir', 1, true) ~= nil, 'applying it adds --no-cache-dir', run)
    vim.wait(10000, function()
      return dkl101() == nil
    end, 50)
    check(dkl101() == nil, 'the DKL101 diagnostic goes away after the fix')
  end
end

finish()
