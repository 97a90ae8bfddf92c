import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "hard to guess string"
    GREETING = "Hello"


class DevelopmentConfig(Config):
    DEBUG = True
    GREETING = "Hello, developer"


class ProductionConfig(Config):
    GREETING = "Hello, reader"


config = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "default": DevelopmentConfig,
}
