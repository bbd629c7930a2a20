//! Reports the command line prints, kept out of the library modules they report on (so
//! those never depend on the store or the terminal).

pub mod access;
pub mod digest;
pub mod people;
