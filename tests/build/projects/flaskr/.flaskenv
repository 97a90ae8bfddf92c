FLASK_APP=flaskr
