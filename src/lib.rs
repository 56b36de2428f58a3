//! Development support for dataslicer's tests and examples (placeholder).
