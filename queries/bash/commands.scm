; What a RUN script executes, in source order: every simple command (including those inside
; pipelines, lists, subshells, conditionals, loops and command substitutions), and every
; variable assignment. Assignments that prefix a command (`A=1 cmd`) are read with their
; command; the others (`A=1`, `export A=1`) set the variable for the rest of the script.
(command) @command

(variable_assignment) @assignment
