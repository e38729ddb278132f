// libedit's readline-compatible interface (line editing, history, completion) for the REPL.
// Swift 6 cannot touch C global variables safely, so the few the REPL sets or reads go
// through these wrappers.
#include <stdio.h>
#include <editline/readline.h>

static inline void deepprov_edit_configure(const char *name, const char *word_breaks, rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_basic_word_break_characters = word_breaks;
    rl_attempted_completion_function = complete;
}

static inline const char *deepprov_edit_line_buffer(void) { return rl_line_buffer; }

static inline void deepprov_edit_completion_options(int no_file_names, int append_character) {
    rl_attempted_completion_over = no_file_names;
    rl_completion_append_character = append_character;
}
