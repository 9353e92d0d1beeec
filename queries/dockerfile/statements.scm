; The top-level statements of a Dockerfile, in source order.
;
; An @instruction that the grammar parsed without errors starts where the builder's line rules
; read one instruction; a @comment is a whole comment line. Everything else (ERROR nodes, and
; instructions with errors inside) is read with the builder's own line rules instead
; (server/core/src/syntax/logical.rs).
;
; Only the top-level nodes are statements, and each pattern is one node kind with no predicate:
; the analysis runs the query on a node of each kind once and keeps what it captured it as
; (server/core/src/syntax/statements.rs), since running it over every chunk an edit parses was a
; tenth of a keystroke's work.
[
  (add_instruction)
  (arg_instruction)
  (cmd_instruction)
  (copy_instruction)
  (cross_build_instruction)
  (entrypoint_instruction)
  (env_instruction)
  (expose_instruction)
  (from_instruction)
  (healthcheck_instruction)
  (label_instruction)
  (maintainer_instruction)
  (onbuild_instruction)
  (run_instruction)
  (shell_instruction)
  (stopsignal_instruction)
  (user_instruction)
  (volume_instruction)
  (workdir_instruction)
] @instruction

(comment) @comment

; Tokens the parser skipped to recover from an error. Those inside an instruction the builder's
; line rules read (past where the grammar ended it) still mark its lines as recovered.
(ERROR) @error
