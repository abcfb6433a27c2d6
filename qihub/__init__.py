"""QI Hub — 辽宁省质量基础设施一站式公共服务平台.

The Liaoning quality-infrastructure one-stop public service platform.
"""
