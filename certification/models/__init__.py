from .users import Association, User

__all__ = ["Association", "User"]
