// The translation unit that carries a precompiled header (cmake/pch.cmake).
