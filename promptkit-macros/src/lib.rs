//! Procedural macros for PromptKit. Thin shells: every macro parses its input,
//! calls one function of `promptkit-build`, and reports its diagnostics.
