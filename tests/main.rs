
mod harness;
