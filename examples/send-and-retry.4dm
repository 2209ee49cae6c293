// Send a mail and act on what the server answers: a 4xx or no answer is worth another try, a 5xx
// is not. Each branch runs on the sandbox with a fault (README, "Faults on purpose"):
//   fourmail run --sandbox examples/send-and-retry.4dm                                sent at once
//   fourmail run --sandbox --fault smtp:mail=451:once examples/send-and-retry.4dm     sent on try 2
//   fourmail run --sandbox --fault smtp:data=drop:once examples/send-and-retry.4dm    sent on try 2
//   fourmail run --sandbox --fault smtp:rcpt=550 examples/send-and-retry.4dm          refused for good
//   fourmail run --sandbox --fault smtp:connect=421 examples/send-and-retry.4dm       3 tries, then gives up
var $server; $email; $status : Object
var $transporter : 4D.SMTPTransporter
var $try : Integer

$server:=New object
$server.host:="smtp.gmail.com"
$server.port:=465
$server.user:="4d@gmail.com"
$server.password:="XXXXXXXX"
$transporter:=SMTP New transporter($server)

$email:=New object
$email.from:="4d@gmail.com"
$email.to:="test@gmail.com"
$email.subject:="Hello, again"
$email.textBody:="Sent by a program that tells a 4xx from a 5xx."

$try:=0
Repeat
	$try:=$try+1
	$status:=$transporter.send($email)
	Case of
		: ($status.success)
			ALERT("Sent on try "+String($try)+": "+$status.statusText)
		: ($status.status>=500)
			ALERT("Refused for good ("+String($status.status)+"): "+$status.statusText)
		Else  // 4xx: try again later; 0: no answer came
			ALERT("Try "+String($try)+" failed ("+String($status.status)+"): "+$status.statusText)
			DELAY PROCESS(Current process; 30)  // half a second
	End case
Until ($status.success) | ($status.status>=500) | ($try=3)
