"""The learning layer: a child's journey walked step by step with its legal clock, the
quiz, and what a hearing can decide (pathways).
"""
