//! Tests of promptkit-build, in one binary: each file of `tests/` is a module here, so the
//! suite links once instead of once per file.

mod support;

mod assertions_doc;
mod builder;
mod check_errors;
mod check_fields;
mod conformance_check;
mod conformance_load;
mod fields_table;
mod hostile_input;
mod load_embedded;
mod load_errors;
mod load_fuzz;
mod load_model;
mod load_partial;
mod load_schema_coverage;
mod mutation_campaign;
mod pack;
