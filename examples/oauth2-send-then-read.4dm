// Get an OAuth 2.0 token with 4D NetKit, send a mail with it, then read it back over IMAP.
// On a machine with no network and no account: fourmail run --sandbox examples/oauth2-send-then-read.4dm
// (the sandbox's OAuth 2.0 server stands for Google's and approves at once; against Google, give
// your application's clientId and clientSecret: getToken() opens the browser to sign in)
var $oAuth2 : cs.NetKit.OAuth2Provider
var $param; $token; $server; $email; $status; $boxInfo; $mail : Object
var $ids : Collection
var $subject : Text
var $smtp : 4D.SMTPTransporter
var $imap : 4D.IMAPTransporter

$param:=New object
$param.name:="Google"
$param.permission:="signedIn"
$param.clientId:="499730xxx.apps.googleusercontent.com"
$param.clientSecret:="fc1kwxxx"
$param.redirectURI:="http://127.0.0.1:50993/authorize/"
$param.scope:="https://mail.google.com/"
$param.loginHint:="4d@gmail.com"
$param.accessType:="offline"

// Create new OAuth2 object, then ask for a token
$oAuth2:=cs.NetKit.OAuth2Provider.new($param)
$token:=Try($oAuth2.getToken())
If ($token=Null)
	ALERT("Sign-in failed: "+Last errors[0].message)
Else
	ALERT("Signed in: a "+$token.token.token_type+" token for "+String($token.token.expires_in)+" s")
	$subject:="OAuth 2.0 from fourmail "+Generate UUID
	
	// Send with the token (SMTP over implicit TLS, port 465)
	$server:=New object
	$server.host:="smtp.gmail.com"
	$server.port:=465
	$server.user:="4d@gmail.com"
	$server.authenticationMode:=SMTP authentication OAUTH2
	$server.accessTokenOAuth2:=$token
	$smtp:=SMTP New transporter($server)
	
	$email:=New object
	$email.from:="4d@gmail.com"
	$email.to:="4d@gmail.com"
	$email.subject:=$subject
	$email.textBody:="Sent with an OAuth 2.0 token from 4D NetKit."
	$status:=$smtp.send($email)
	If (Not($status.success))
		ALERT("Sending failed: "+$status.statusText)
	Else
		ALERT("Sent: "+$status.statusText)
		
		// Read it with the same token (IMAP, port 993)
		$server:=New object("host"; "imap.gmail.com"; "port"; 993; "user"; "4d@gmail.com")
		$server.authenticationMode:=IMAP authentication OAUTH2
		$server.accessTokenOAuth2:=$token
		$imap:=IMAP New transporter($server)
		$boxInfo:=$imap.selectBox("INBOX")
		$ids:=$imap.searchMails("SUBJECT \""+$subject+"\"")
		$mail:=$imap.getMail($ids[0])
		ALERT("IMAP: message "+$mail.id+" of "+String($boxInfo.mailCount)+" from "+$mail.from[0].email+": "+$mail.subject)
	End if
End if
