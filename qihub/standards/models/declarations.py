"""Enterprise standard self-declarations (企业标准自我声明公开)."""
